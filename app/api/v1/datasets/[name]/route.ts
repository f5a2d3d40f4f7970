import { applyDataset, datasetNameSchema, datasetView } from "@/datasets/registry";
import { AppError } from "@/server/errors";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

type Params = { name: string };

export const GET = restRoute<"analyst", Params>("analyst", async ({ params }) =>
  datasetView(datasetNameSchema.parse(params.name)),
);

/** PUT /api/v1/datasets/{name}[?force=true] — create or update from the JSON definition. */
export const PUT = restRoute<"admin", Params>("admin", async ({ req, params, actor }) => {
  const name = datasetNameSchema.parse(params.name);
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new AppError("BAD_REQUEST", "The body must be the dataset definition as JSON");
  }
  const force = new URL(req.url).searchParams.get("force") === "true";
  const result = await applyDataset(body, actor, { force, expectedName: name });
  return Response.json(result, { status: result.created ? 201 : 200 });
});
