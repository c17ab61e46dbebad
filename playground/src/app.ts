/**
 * What the page's parts need from one another. main.ts builds one `App` and hands it to each part
 * (data panel, results, problems, session), so that no part imports another: a part calls
 * `app.run()` or `app.selectTab('data')`, and main.ts decides what that does.
 */
import type { monaco } from './editor.js';
import type { DataProblem } from './protocol.js';
import type { PageState } from './state.js';
import type { LangClient } from './workers.js';

export interface App {
  readonly state: PageState;
  readonly editor: monaco.editor.IStandaloneCodeEditor;
  readonly model: monaco.editor.ITextModel;
  /** The language worker (check, completion, hover, definition, formatting, sample data). */
  readonly lang: LangClient;
  /** Checks the program now: diagnostics, problems, the data tables' schema. */
  check(): Promise<void>;
  /** Evaluates the program over the data now (a newer run replaces one still running). */
  run(): void;
  /** Evaluates soon (debounced: typing sends one run when it pauses). */
  scheduleRun(): void;
  /** Saves the session to local storage soon (debounced). */
  save(): void;
  /** A short message in the status line. */
  say(message: string): void;
  /** A message in the notice bar, until dismissed. */
  showNotice(message: string): void;
  hideNotice(): void;
  selectTab(which: 'results' | 'data' | 'compare'): void;
  /** The Compare tab's baseline: a program just loaded (an example, a shared link, the last session) and what to call it. */
  setBaseline(program: string, label: string): void;
  /** Selects a partner (its explanation) or none, and evaluates again. */
  selectPartner(id: string | undefined): void;
  /** Shows a data problem's row in the data panel. */
  showDataProblem(p: DataProblem): void;
  /** Moves the editor to a line of the program (and focuses it). */
  revealLine(line: number): void;
}
