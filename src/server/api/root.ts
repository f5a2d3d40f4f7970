import { alertsRouter } from "./routers/alerts";
import { apiKeysRouter } from "./routers/api-keys";
import { auditRouter } from "./routers/audit";
import { backupsRouter } from "./routers/backups";
import { batchesRouter } from "./routers/batches";
import { datasetsRouter } from "./routers/datasets";
import { jobsRouter } from "./routers/jobs";
import { metricsRouter } from "./routers/metrics";
import { promotionsRouter } from "./routers/promotions";
import { qualityRouter } from "./routers/quality";
import { queueRouter } from "./routers/queue";
import { schedulesRouter } from "./routers/schedules";
import { systemRouter } from "./routers/system";
import { uploadsRouter } from "./routers/uploads";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  system: systemRouter,
  users: usersRouter,
  apiKeys: apiKeysRouter,
  datasets: datasetsRouter,
  jobs: jobsRouter,
  uploads: uploadsRouter,
  batches: batchesRouter,
  promotions: promotionsRouter,
  queue: queueRouter,
  schedules: schedulesRouter,
  quality: qualityRouter,
  audit: auditRouter,
  metrics: metricsRouter,
  alerts: alertsRouter,
  backups: backupsRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures from server code and tests, with the same role checks as over HTTP. */
export const createCaller = createCallerFactory(appRouter);
