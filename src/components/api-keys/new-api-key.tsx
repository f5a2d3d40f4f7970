"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "../ui/button";

/** Copies text, falling back to a selection copy where the Clipboard API is unavailable (plain HTTP). */
async function copyText(text: string, fallbackNode: HTMLElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!fallbackNode) return false;
    const range = document.createRange();
    range.selectNodeContents(fallbackNode);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    return document.execCommand("copy");
  }
}

/**
 * A just-created key, shown once: Sluice keeps only its hash. Offers a copy button and a curl line to
 * try it with.
 */
export function NewApiKey({ name, apiKey, onDone }: { name: string; apiKey: string; onDone: () => void }) {
  const codeRef = useRef<HTMLElement>(null);
  const boxRef = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const [origin, setOrigin] = useState("");

  useEffect(() => {
    setOrigin(window.location.origin);
    boxRef.current?.focus();
  }, []);

  return (
    <section
      ref={boxRef}
      tabIndex={-1}
      data-testid="new-api-key"
      aria-label="New API key"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 outline-none"
    >
      <div className="flex items-start justify-between gap-4">
        <div>
          <h2 className="text-sm font-semibold text-slate-900">API key “{name}” created</h2>
          <p className="mt-0.5 text-sm text-amber-900">
            Copy it now: it won't be shown again. Sluice keeps only a hash of it.
          </p>
        </div>
        <Button size="sm" onClick={onDone}>
          Done
        </Button>
      </div>
      <div className="mt-3 flex items-center gap-2">
        <code
          ref={codeRef}
          className="min-w-0 flex-1 select-all overflow-x-auto whitespace-nowrap rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-sm text-slate-900"
        >
          {apiKey}
        </code>
        <Button
          variant="primary"
          onClick={async () => setCopied((await copyText(apiKey, codeRef.current)) ? "yes" : "failed")}
        >
          Copy
        </Button>
      </div>
      <p aria-live="polite" className="mt-1 h-4 text-xs text-amber-900">
        {copied === "yes"
          ? "Copied to the clipboard."
          : copied === "failed"
            ? "Copy failed: select the key and copy it by hand."
            : ""}
      </p>
      <p className="mt-2 text-xs font-medium text-slate-700">Try it:</p>
      <pre className="mt-1 whitespace-pre-wrap break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">
        curl -H "Authorization: Bearer {apiKey}" {origin}/api/v1/datasets
      </pre>
    </section>
  );
}
