-- Why a worker process stopped: a clean shutdown, or its heartbeat was lost (crash, kill -9, lost
-- machine), in which case its locked jobs were unlocked for others to run.
ALTER TABLE "app"."worker_processes" ADD COLUMN "stop_reason" TEXT;
