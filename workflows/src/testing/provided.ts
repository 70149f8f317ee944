// What the workflows project's global setup (test/src/setup/workflow-bundle.global.ts, wired in vitest.config.ts)
// hands to its test files. Declared here rather than imported from test/: workflows must not depend on the
// e2e project, which depends on the worker and so on workflows.
declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
    testServerLauncher: string;
  }
}
export {};
