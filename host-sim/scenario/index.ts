export * from "./types.ts";
export { runScenario } from "./runner.ts";
export { traceToJson, type TraceJson } from "./trace.ts";
export { checkCall, matches } from "./expect.ts";
export { renderOutput, hex } from "./format.ts";
export * as steps from "./steps.ts";
export { loadScenario, saveScenario, scenarioFromText, scenarioText, type ScenarioFile } from "./json.ts";
export { replayScenario, type ReplayReport, type ReplayDifference } from "./replay.ts";
