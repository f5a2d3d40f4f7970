import { listDatasets } from "@/datasets/registry";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

export const GET = restRoute("analyst", async () => ({ datasets: await listDatasets() }));
