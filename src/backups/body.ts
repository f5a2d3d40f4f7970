import { AppError } from "@/server/errors";

/** An optional JSON body: empty means `{}`; anything else must parse. */
export async function optionalJsonBody(req: Request): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The body must be JSON (or empty)");
  }
}
