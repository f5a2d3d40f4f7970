/** The datasets as `<option>`s (title, then name), for any dataset `<Select>`. */
export function DatasetOptions({
  datasets,
}: {
  datasets: readonly { name: string; title: string }[] | undefined;
}) {
  return datasets?.map((d) => (
    <option key={d.name} value={d.name}>
      {d.title} ({d.name})
    </option>
  ));
}
