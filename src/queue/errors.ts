/**
 * A failure retrying cannot fix (the file is not a CSV, a quote is never closed, the dataset is
 * gone). Tasks throw it to fail their Sluice job at once, with a message that says where and why;
 * any other error is taken as transient and retried with backoff.
 */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}
