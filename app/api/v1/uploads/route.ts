import { z } from "zod";
import { uploadBodyFromRequest } from "@/ingest/request-body";
import { discardUpload, receiveUpload, submitUpload } from "@/ingest/uploads";
import { prioritySchema } from "@/queue/priorities";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

const query = z.object({
  dataset: z.string().min(1, "dataset is required (?dataset=<name>)"),
  priority: prioritySchema.default("standard"),
  filename: z.string().max(255).optional(),
  /** `false`: only store and inspect the file (the console's upload page submits it after mapping). */
  submit: z.enum(["true", "false"]).default("true"),
});

/** POST /api/v1/uploads?dataset=&priority= — the CSV as the body or as multipart `file`; 202 with the job. */
export const POST = restRoute("analyst", async ({ req, actor }) => {
  const params = query.parse(Object.fromEntries(new URL(req.url).searchParams));
  const body = await uploadBodyFromRequest(req, params.filename ?? null);
  const received = await receiveUpload({
    datasetName: params.dataset,
    fileName: body.fileName,
    contentType: body.contentType,
    body: body.stream,
    actor,
  });
  if (params.submit === "false") {
    return Response.json(received, { status: 201 });
  }
  let submitted: Awaited<ReturnType<typeof submitUpload>>;
  try {
    submitted = await submitUpload(
      { uploadId: received.uploadId, priority: params.priority },
      actor,
      received.fileInfo,
    );
  } catch (err) {
    // Refused (e.g. a required column is missing): keep neither the row nor the bytes.
    await discardUpload(received.uploadId);
    throw err;
  }
  return Response.json(
    {
      jobId: submitted.jobId,
      batchId: submitted.batchId,
      status: submitted.status,
      uploadId: received.uploadId,
      sha256: received.sha256,
      bytes: received.size,
      duplicateOf: received.duplicateOf,
      warnings: submitted.warnings,
    },
    { status: 202 },
  );
});
