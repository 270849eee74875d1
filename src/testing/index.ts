/**
 * `switchboard/testing`: the conformance kit for bridge modules. It runs a module inside the real
 * core against a real Synapse, drives the fake remote side through a small driver the module
 * author writes, checks every capability the manifest declares, and prints a feature table.
 * See docs/plugins.md, "The conformance kit".
 */
export { describeConformance } from './jest';
export { renderReport, runConformance } from './run';
export {
  formatFeatureTable,
  readmeMismatch,
  readmeTable,
  writeReadmeTable,
  README_END,
  README_START,
} from './table';
export { HOSTILE } from './checks-text';
export type {
  AnyBridgeModule,
  CheckResult,
  CheckStatus,
  ConformanceDriver,
  ConformanceOptions,
  ConformanceReport,
  Direction,
  Feature,
  KitChat,
  MatrixSent,
  ModuleUnderTest,
  Observable,
  RemoteAction,
  RemoteSaid,
} from './types';
