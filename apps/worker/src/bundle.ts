import { DefaultLogger, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';

// Same depth from src/ and dist/: apps/worker/{src,dist} → workflows/.
const workflowsRoot = fileURLToPath(new URL('../../../workflows/', import.meta.url));

/**
 * Bundles the workflow code. `fromSource` resolves workspace packages to their TypeScript sources
 * (tests, dev); otherwise to their built `dist` (production).
 */
export async function bundleWorkflows({ fromSource }: { fromSource: boolean }): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: workflowsRoot + (fromSource ? 'src/index.ts' : 'dist/index.js'),
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: (config) => {
      if (fromSource) config.resolve = { ...config.resolve, conditionNames: ['source', '...'] };
      return config;
    },
  });
}
