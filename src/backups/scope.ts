/**
 * What a backup holds from the `app` schema, in foreign-key order (parents first): restore deletes
 * in reverse and inserts in this order. `scope` picks one dataset's rows (`$1` = its id; `{batches}`
 * = the batches table to look through). Jobs are a log that only moves forward, like the audit
 * log: a restore adds the jobs the backup has and the database lacks, and removes none.
 * Users, API keys, the audit log and the backup catalog are deliberately absent.
 */
export interface AppTable {
  table: string;
  scope: string;
  mergeOnly?: boolean;
}

export const APP_TABLES: AppTable[] = [
  { table: "datasets", scope: "id = $1" },
  { table: "jobs", scope: "dataset_id = $1", mergeOnly: true },
  { table: "uploads", scope: "dataset_id = $1" },
  { table: "column_mappings", scope: "dataset_id = $1" },
  { table: "batches", scope: "dataset_id = $1" },
  { table: "batch_chunks", scope: "batch_id IN (SELECT id FROM {batches} WHERE dataset_id = $1)" },
  { table: "batch_rejects", scope: "batch_id IN (SELECT id FROM {batches} WHERE dataset_id = $1)" },
  { table: "promotions", scope: "dataset_id = $1" },
  { table: "quality_reports", scope: "dataset_id = $1" },
];

/** Schemas whose every table is a dataset's data, named after the dataset. */
export const DATA_SCHEMAS = ["staging", "production", "history"] as const;
