"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";
import { DatasetOptions } from "../datasets/dataset-options";
import { EmptyState } from "../ui/empty-state";
import { Field, Select } from "../ui/field";
import { Notice } from "../ui/notice";
import { PageHeader } from "../ui/page-header";
import { type FileHeadResult, readFileHead } from "./file-head";
import { ChosenFile, FileDropZone } from "./file-picker";
import { ImportReview } from "./import-review";
import { useFileUpload } from "./use-file-upload";

const SAMPLES = [
  { file: "listings.csv", dataset: "listings", note: "61 business listings, a few deliberately wrong" },
  { file: "domains.csv", dataset: "domains", note: "42 domains to analyse" },
];

/**
 * The Upload page: pick a dataset and a file; the file starts uploading at once while its head is
 * read locally for the mapping and preview; "Start import" submits the upload with the mapping.
 */
export function UploadWorkspace({ initialDataset }: { initialDataset: string | null }) {
  const trpc = useTRPC();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const [chosenDataset, setChosenDataset] = useState(initialDataset ?? "");
  const unknownDataset =
    datasets.data && chosenDataset && !datasets.data.some((d) => d.name === chosenDataset)
      ? chosenDataset
      : null;
  const dataset = (unknownDataset ? "" : chosenDataset) || datasets.data?.[0]?.name || "";
  const [file, setFile] = useState<{ file: File; id: number } | null>(null);
  const [head, setHead] = useState<FileHeadResult | null>(null);
  const upload = useFileUpload();
  const fileSeq = useRef(0);

  const definition = useQuery(trpc.datasets.get.queryOptions(dataset ? { name: dataset } : skipToken));
  const headers = head?.ok ? head.head.headers : null;
  const preparation = useQuery({
    ...trpc.uploads.prepare.queryOptions(
      headers && file && dataset ? { dataset, headers, bytes: file.file.size } : skipToken,
    ),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });

  // A file dropped beside the drop area must not make the browser leave the page to open it.
  useEffect(() => {
    const keep = (e: DragEvent) => e.preventDefault();
    window.addEventListener("dragover", keep);
    window.addEventListener("drop", keep);
    return () => {
      window.removeEventListener("dragover", keep);
      window.removeEventListener("drop", keep);
    };
  }, []);

  // Keep the chosen dataset in the address, so the page can be shared and reloaded.
  useEffect(() => {
    if (!dataset) return;
    const url = new URL(window.location.href);
    if (url.searchParams.get("dataset") === dataset) return;
    url.searchParams.set("dataset", dataset);
    window.history.replaceState(null, "", url);
  }, [dataset]);

  const choose = (f: File, into = dataset) => {
    const id = ++fileSeq.current;
    setFile({ file: f, id });
    setHead(null);
    upload.cancel();
    // The head (256 KB) is read first, in milliseconds, so a file that is not a CSV is never sent;
    // then the upload runs while the server suggests a mapping and the analyst checks it.
    readFileHead(f).then((result) => {
      if (fileSeq.current !== id) return;
      setHead(result);
      if (result.ok) upload.start(f, into);
    });
  };

  const changeDataset = (name: string) => {
    setChosenDataset(name);
    // An upload belongs to a dataset: send the file again for the new one.
    if (file && head?.ok) upload.start(file.file, name);
  };

  const [sampleError, setSampleError] = useState<string | null>(null);
  const loadSample = async (sample: (typeof SAMPLES)[number]) => {
    setSampleError(null);
    const res = await fetch(`/samples/${sample.file}`).catch(() => null);
    if (!res?.ok) {
      setSampleError(`Could not fetch the sample ${sample.file}`);
      return;
    }
    const into = datasets.data?.some((d) => d.name === sample.dataset) ? sample.dataset : dataset;
    setChosenDataset(into);
    choose(new File([await res.blob()], sample.file, { type: "text/csv" }), into);
  };

  const remove = () => {
    fileSeq.current++;
    upload.cancel();
    setFile(null);
    setHead(null);
  };

  if (datasets.data && datasets.data.length === 0) {
    return (
      <div className="max-w-5xl">
        <PageHeader title="Upload" />
        <EmptyState title="No datasets to upload into">
          <p>
            An admin creates datasets on the{" "}
            <Link href="/datasets" className="text-teal-700 underline">
              Datasets
            </Link>{" "}
            page first.
          </p>
        </EmptyState>
      </div>
    );
  }

  const error =
    sampleError ??
    (head && !head.ok ? head.message : null) ??
    (upload.state.phase === "failed" ? upload.state.message : null) ??
    (preparation.error ? `Could not prepare the mapping: ${preparation.error.message}` : null) ??
    (definition.error ? definition.error.message : null) ??
    (datasets.error ? `Could not load the datasets: ${datasets.error.message}` : null);
  const chosen = datasets.data?.find((d) => d.name === dataset);

  return (
    <div className="max-w-6xl space-y-5">
      <PageHeader
        title="Upload"
        description="Load a CSV file into a dataset: it uploads while you check the column mapping and a preview of its rows."
      />

      <section aria-label="File" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
        <div className="flex flex-wrap items-end gap-x-6 gap-y-2">
          <Field label="Dataset" className="w-72">
            {(control) => (
              <Select
                {...control}
                value={dataset}
                disabled={!datasets.data}
                onChange={(e) => changeDataset(e.target.value)}
              >
                {!datasets.data && <option value="">Loading…</option>}
                <DatasetOptions datasets={datasets.data} />
              </Select>
            )}
          </Field>
          {chosen && definition.data && (
            <p className="pb-2 text-xs text-slate-500">
              {definition.data.definition.columns.length} columns
              {definition.data.definition.key.length > 0 &&
                ` · key ${definition.data.definition.key.join(", ")}`}
              {" · "}
              <Link href={`/datasets/${dataset}`} className="text-teal-700 hover:underline">
                view dataset
              </Link>
            </p>
          )}
        </div>
        {!dataset ? (
          <p className="rounded-lg border-2 border-dashed border-slate-200 px-6 py-10 text-center text-sm text-slate-400">
            Loading the datasets…
          </p>
        ) : file ? (
          <ChosenFile
            file={file.file}
            head={head?.ok ? head.head : null}
            reading={head === null}
            upload={upload.state}
            onFile={choose}
            onRemove={remove}
          />
        ) : (
          <>
            <FileDropZone onFile={choose} />
            <div className="flex flex-wrap items-center gap-x-5 gap-y-1.5 text-xs text-slate-500">
              <span className="font-medium text-slate-600">Try a sample:</span>
              {SAMPLES.map((s) => (
                <span key={s.file} className="flex items-center gap-1.5">
                  <a
                    href={`/samples/${s.file}`}
                    download
                    className="font-medium text-teal-700 hover:underline"
                  >
                    {s.file}
                  </a>
                  <span className="text-slate-400">({s.note})</span>
                  <button
                    type="button"
                    onClick={() => loadSample(s)}
                    aria-label={`Use ${s.file}`}
                    className="rounded border border-slate-300 bg-white px-1.5 py-0.5 font-medium text-slate-700 hover:bg-slate-50"
                  >
                    Use it
                  </button>
                </span>
              ))}
            </div>
          </>
        )}
      </section>

      {unknownDataset && (
        <Notice tone="warning">
          There is no dataset named “{unknownDataset}”; choose one of those listed.
        </Notice>
      )}
      {error && <Notice tone="error">{error}</Notice>}

      {file && head?.ok && !preparation.data && !error && (
        <p className="text-sm text-slate-500">Matching the file's columns to {dataset}…</p>
      )}
      {file && head?.ok && preparation.data && definition.data && (
        <ImportReview
          key={`${dataset}:${file.id}`}
          definition={definition.data.definition}
          head={head.head}
          preparation={preparation.data}
          upload={upload.state}
        />
      )}
    </div>
  );
}
