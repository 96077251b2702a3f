// The scenario engine: one schema, one engine, plugged into the core as a simulator extension.
export {
  type ArmedScenario,
  type DriveOptions,
  isTriggeredBy,
  type RunOptions,
  type ScenarioApi,
  scenarioExtension,
} from './engine.ts';
export { type KnownProvider, loadScenarioFile, parseScenario, ScenarioError } from './load.ts';
export { type FromTranscriptOptions, fromTranscript } from './replay.ts';
export { renderJson, renderJunit, renderText } from './report.ts';
export type { RunReport, RunStatus, ScenarioRun, StepReport, StepStatus } from './run.ts';
export type { Scenario, Step, Trigger } from './schema.ts';
export type { Transcript, TranscriptEntry } from './transcript.ts';

import type { Simulator } from '../simulator.ts';
import type { ScenarioApi } from './engine.ts';

/** The scenario API of a simulator built with `scenarioExtension()`. */
export function toScenarioApi(sim: Simulator): ScenarioApi {
  const api = sim.extensions.scenarios as ScenarioApi | undefined;
  if (!api) {
    throw new Error(
      'This simulator has no scenario engine. Please create it with extensions: [scenarioExtension()].',
    );
  }
  return api;
}
