/** The examples menu: every program in examples/ with its data, loaded at build time; and the spec's example as a fallback. */
import northwind from '../../test/fixtures/northwind.incent?raw';

export interface Example {
  name: string;
  program: string;
  /** Loads the data files (by file name: `sale.csv`) on demand: they can be large. */
  data: () => Promise<Record<string, string>>;
}

const programs = import.meta.glob<string>('../../examples/*/program.incent', { query: '?raw', import: 'default', eager: true });
const dataFiles = import.meta.glob<string>(['../../examples/*/data/*.csv', '../../examples/*/data/*.json', '../../examples/*/data/*.ndjson'], { query: '?raw', import: 'default' });
const fallbackData = import.meta.glob<string>('../samples/northwind/*.csv', { query: '?raw', import: 'default' });

function loader(files: Record<string, () => Promise<string>>, prefix: string): () => Promise<Record<string, string>> {
  return async () => {
    const out: Record<string, string> = {};
    for (const [path, load] of Object.entries(files)) if (path.startsWith(prefix)) out[path.slice(prefix.length)] = await load();
    return out;
  };
}

export const EXAMPLES: Example[] = [
  ...Object.entries(programs)
    .map(([path, program]) => {
      const dir = path.replace(/\/program\.incent$/, '');
      return { name: dir.replace(/^.*\//, ''), program, data: loader(dataFiles, `${dir}/data/`) };
    })
    .sort((a, b) => a.name.localeCompare(b.name)),
  { name: 'spec-example (northwind, small data)', program: northwind, data: loader(fallbackData, '../samples/northwind/') },
];
