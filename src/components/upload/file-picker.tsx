"use client";

import { useId, useRef, useState } from "react";
import { formatBytes, formatDuration } from "@/format";
import { Button } from "../ui/button";
import { ProgressBar } from "../ui/progress-bar";
import { DELIMITER_LABEL, ENCODING_LABEL, type FileHead } from "./file-head";
import type { UploadState } from "./use-file-upload";

const ACCEPT = ".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values";

/** Calls `onFile` with a file dropped on `children`'s area; highlights the area while dragging. */
function DropTarget({
  onFile,
  className,
  children,
}: {
  onFile: (file: File) => void;
  className: (dragging: boolean) => string;
  children: React.ReactNode;
}) {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping is the mouse shortcut; the file input beside it is the accessible way
    <div
      onDragEnter={(e) => {
        e.preventDefault();
        depth.current++;
        setDragging(true);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        depth.current = 0;
        setDragging(false);
        const file = e.dataTransfer.files[0];
        if (file) onFile(file);
      }}
      className={className(dragging)}
    >
      {children}
    </div>
  );
}

/** The file input, visually hidden; its label is "CSV file" wherever it is shown. */
function FileInput({ id, onFile }: { id: string; onFile: (file: File) => void }) {
  return (
    <input
      id={id}
      type="file"
      accept={ACCEPT}
      aria-label="CSV file"
      className="peer sr-only"
      onChange={(e) => {
        const file = e.target.files?.[0];
        // Reset so choosing the same file again still fires a change.
        e.target.value = "";
        if (file) onFile(file);
      }}
    />
  );
}

/** Before a file is chosen: a large drop area that is also the file picker. */
export function FileDropZone({ onFile }: { onFile: (file: File) => void }) {
  const id = useId();
  return (
    <DropTarget
      onFile={onFile}
      className={(dragging) =>
        `relative rounded-lg border-2 border-dashed transition-colors ${
          dragging ? "border-teal-500 bg-teal-50" : "border-slate-300 bg-slate-50/60 hover:border-slate-400"
        }`
      }
    >
      <FileInput id={id} onFile={onFile} />
      <label
        htmlFor={id}
        className="flex cursor-pointer flex-col items-center gap-1 rounded-lg px-6 py-10 text-center peer-focus-visible:ring-2 peer-focus-visible:ring-teal-600/40"
      >
        <svg
          aria-hidden
          viewBox="0 0 24 24"
          className="mb-1 h-8 w-8 text-slate-400"
          fill="none"
          stroke="currentColor"
          strokeWidth={1.5}
        >
          <path
            strokeLinecap="round"
            strokeLinejoin="round"
            d="M12 16V4m0 0 4 4m-4-4-4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2"
          />
        </svg>
        <span className="text-sm font-medium text-slate-800">
          Drop a CSV file here, or <span className="text-teal-700 underline">choose a file</span>
        </span>
        <span className="text-xs text-slate-500">
          Comma, semicolon, tab or pipe separated; UTF-8, UTF-16 or Windows-1252. Any size: the file streams
          from disk.
        </span>
      </label>
    </DropTarget>
  );
}

/** After a file is chosen: what it is, what was detected, and the upload's progress. */
export function ChosenFile({
  file,
  head,
  reading,
  upload,
  onFile,
  onRemove,
}: {
  file: File;
  head: FileHead | null;
  /** The file's head is still being read (the upload starts after). */
  reading: boolean;
  upload: UploadState;
  onFile: (file: File) => void;
  onRemove: () => void;
}) {
  const id = useId();
  // Percent, floored: 100 only once every byte is sent.
  const percent =
    upload.phase === "sending"
      ? Math.floor((upload.loaded / Math.max(upload.total, 1)) * 100)
      : upload.phase === "idle" || upload.phase === "failed"
        ? 0
        : 100;
  const done = upload.phase === "done";
  return (
    <DropTarget
      onFile={onFile}
      className={(dragging) =>
        `rounded-lg border p-4 transition-colors ${dragging ? "border-teal-500 bg-teal-50" : "border-slate-200 bg-white"}`
      }
    >
      <div className="flex items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="truncate font-medium text-slate-900" title={file.name}>
            {file.name}
          </p>
          <p className="mt-0.5 text-xs text-slate-500">
            {formatBytes(file.size)}
            {head &&
              ` · ${ENCODING_LABEL[head.encoding]} · ${DELIMITER_LABEL[head.delimiter]} · ${head.headers.length} columns`}
          </p>
        </div>
        <div className="flex shrink-0 items-center gap-2">
          <FileInput id={id} onFile={onFile} />
          <label
            htmlFor={id}
            className="inline-flex h-7 cursor-pointer items-center rounded-md border border-slate-300 bg-white px-2.5 text-xs font-medium text-slate-700 hover:bg-slate-50 peer-focus-visible:ring-2 peer-focus-visible:ring-teal-600/30"
          >
            Choose another file
          </label>
          <Button size="sm" onClick={onRemove}>
            Remove
          </Button>
        </div>
      </div>
      <div className="mt-3">
        <ProgressBar
          data-testid="upload-progress"
          aria-label="Upload progress"
          value={percent}
          max={100}
          tone={upload.phase === "failed" ? "red" : done ? "green" : "teal"}
        />
        <p className="mt-1.5 text-xs text-slate-600 tabular-nums" aria-live="polite">
          {reading ? "Reading the file…" : <UploadLine upload={upload} size={file.size} />}
        </p>
      </div>
    </DropTarget>
  );
}

function UploadLine({ upload, size }: { upload: UploadState; size: number }) {
  switch (upload.phase) {
    case "idle":
      return <>Not uploaded.</>;
    case "sending": {
      const rate = upload.bytesPerSecond;
      const left = rate ? (upload.total - upload.loaded) / rate : null;
      return (
        <>
          Uploading {formatBytes(upload.loaded)} of {formatBytes(upload.total)} (
          {Math.floor((upload.loaded / Math.max(upload.total, 1)) * 100)}%)
          {rate ? ` · ${formatBytes(rate)}/s` : ""}
          {left !== null && left >= 1 ? ` · about ${formatDuration(left)} left` : ""}
        </>
      );
    }
    case "processing":
      return <>Sent {formatBytes(size)}; the server is checking the file…</>;
    case "done":
      return (
        <>
          <span className="font-medium text-emerald-700">Uploaded</span> {formatBytes(upload.received.size)}{" "}
          in {formatDuration(upload.seconds)} · SHA-256{" "}
          <code className="font-mono text-[11px] text-slate-500" title={upload.received.sha256}>
            {upload.received.sha256.slice(0, 12)}…
          </code>
        </>
      );
    case "failed":
      return <span className="text-red-700">Upload failed.</span>;
  }
}
