import { Readable } from "node:stream";
import busboy from "busboy";
import { AppError } from "@/server/errors";

/**
 * The file in an upload request, as a stream: the raw body (`text/csv` and friends) or the `file`
 * field of a multipart form. Nothing is buffered whole.
 */
export interface UploadBody {
  fileName: string;
  contentType: string;
  stream: NodeJS.ReadableStream;
}

/** Types browsers and tools send for CSV files (Windows browsers say vnd.ms-excel; unknown files octet-stream). */
const CSV_TYPES = new Set([
  "text/csv",
  "application/csv",
  "text/plain",
  "application/vnd.ms-excel",
  "application/octet-stream",
  "text/x-csv",
]);

export async function uploadBodyFromRequest(req: Request, fallbackName: string | null): Promise<UploadBody> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!req.body) throw new AppError("BAD_REQUEST", "The request has no body; send the CSV file as the body");
  const nodeStream = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>);
  if (CSV_TYPES.has(type)) {
    return {
      fileName: fallbackName ?? dispositionName(req.headers.get("content-disposition")) ?? "upload.csv",
      contentType: type,
      stream: nodeStream,
    };
  }
  if (type === "multipart/form-data") return fileFromMultipart(req, nodeStream, fallbackName);
  throw new AppError(
    "UNSUPPORTED_MEDIA_TYPE",
    `Content type "${type || "none"}" is not a CSV upload; send text/csv (the file as the body) or multipart/form-data with a "file" field`,
  );
}

function dispositionName(header: string | null): string | null {
  const m = header && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  return m ? decodeURIComponent(m[1]!) : null;
}

function fileFromMultipart(req: Request, body: Readable, fallbackName: string | null): Promise<UploadBody> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: Object.fromEntries(req.headers), limits: { files: 1, fields: 20 } });
    } catch (err) {
      reject(new AppError("BAD_REQUEST", `Malformed multipart body: ${(err as Error).message}`));
      return;
    }
    let found = false;
    bb.on("file", (field, stream, info) => {
      if (field !== "file" || found) {
        stream.resume();
        return;
      }
      found = true;
      resolve({
        fileName: fallbackName ?? info.filename ?? "upload.csv",
        contentType: info.mimeType,
        stream,
      });
    });
    bb.on("error", (err) =>
      reject(new AppError("BAD_REQUEST", `Malformed multipart body: ${(err as Error).message}`)),
    );
    bb.on("close", () => {
      if (!found) reject(new AppError("BAD_REQUEST", 'The multipart body has no "file" field'));
    });
    body.pipe(bb);
  });
}
