"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ReceivedUpload } from "@/ingest/uploads";

/**
 * Sending a chosen file to `POST /api/v1/uploads?submit=false` while the analyst maps its columns.
 * XMLHttpRequest rather than fetch because its upload.onprogress reports bytes sent; the File is
 * handed to send() as it is, so the browser streams it from disk and never holds it in memory.
 */
export type UploadState =
  | { phase: "idle" }
  | { phase: "sending"; loaded: number; total: number; bytesPerSecond: number | null }
  | { phase: "processing"; total: number }
  | { phase: "done"; received: ReceivedUpload; seconds: number }
  | { phase: "failed"; message: string; status: number | null };

const REPORT_EVERY_MS = 150;
const RATE_WINDOW_MS = 3000;

export function useFileUpload() {
  const [state, setState] = useState<UploadState>({ phase: "idle" });
  const xhrRef = useRef<XMLHttpRequest | null>(null);

  const cancel = useCallback(() => {
    xhrRef.current?.abort();
    xhrRef.current = null;
    setState({ phase: "idle" });
  }, []);

  useEffect(() => () => xhrRef.current?.abort(), []);

  const start = useCallback((file: File, dataset: string) => {
    xhrRef.current?.abort();
    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    const current = () => xhrRef.current === xhr;
    const startedAt = performance.now();
    const samples: { t: number; loaded: number }[] = [{ t: startedAt, loaded: 0 }];
    let lastReport = 0;

    setState({ phase: "sending", loaded: 0, total: file.size, bytesPerSecond: null });
    xhr.upload.onprogress = (e) => {
      if (!current()) return;
      const now = performance.now();
      samples.push({ t: now, loaded: e.loaded });
      while (samples.length > 2 && now - samples[0]!.t > RATE_WINDOW_MS) samples.shift();
      if (e.loaded < file.size && now - lastReport < REPORT_EVERY_MS) return;
      lastReport = now;
      const first = samples[0]!;
      const bytesPerSecond =
        now - first.t > 250 ? ((e.loaded - first.loaded) * 1000) / (now - first.t) : null;
      setState(
        e.loaded >= file.size
          ? { phase: "processing", total: file.size }
          : { phase: "sending", loaded: e.loaded, total: file.size, bytesPerSecond },
      );
    };
    xhr.upload.onload = () => current() && setState({ phase: "processing", total: file.size });
    xhr.onload = () => {
      if (!current()) return;
      xhrRef.current = null;
      const body = parseJson(xhr.responseText);
      if (xhr.status === 201 && body && typeof body === "object" && "uploadId" in body) {
        setState({
          phase: "done",
          received: body as ReceivedUpload,
          seconds: (performance.now() - startedAt) / 1000,
        });
      } else {
        setState({ phase: "failed", status: xhr.status, message: errorMessage(xhr.status, body) });
      }
    };
    xhr.onerror = () => {
      if (!current()) return;
      xhrRef.current = null;
      setState({
        phase: "failed",
        status: null,
        message:
          "The upload was interrupted (network error or the server went away). Choose the file again to retry.",
      });
    };

    const params = new URLSearchParams({ dataset, filename: file.name, submit: "false" });
    xhr.open("POST", `/api/v1/uploads?${params}`);
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.send(file);
  }, []);

  return { state, start, cancel };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The server's `{"error":{"message"}}`, or a sentence about the status when there is none. */
function errorMessage(status: number, body: unknown): string {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof message === "string" && message) return message;
  if (status === 413) return "The file is larger than the server accepts.";
  if (status === 401) return "Your session has ended; sign in again and retry.";
  return `The upload failed (HTTP ${status}).`;
}
