import { readFileSync } from 'node:fs';
import { readConfig } from '@duban/config';
import { TASK_QUEUE } from '@duban/contracts';
import { openDatabase, syncIndexes } from '@duban/persistence';
import { connectTemporalClient } from '@duban/temporal';
import type { CampaignRequest } from '@duban/domain';
import { issueThisMonth, loadDemoCampaigns, loadDemoTemplates, type DemoTemplates } from '../demo.js';

/** `npm run demo`: the 2024 work points' recurring obligations as templates, and this month's list issued from them. */
async function main(): Promise<void> {
  const file = process.argv[2];
  const campaignsFile = process.argv[3];
  if (!file) throw new Error('usage: load-demo <templates.json> [campaigns.json]');
  const config = readConfig({ ...process.env });
  const database = await openDatabase({ url: config.mongoUrl });
  await syncIndexes(database);
  const temporal = await connectTemporalClient({ address: config.temporalAddress, namespace: config.temporalNamespace });
  try {
    const templates = await loadDemoTemplates(database, JSON.parse(readFileSync(file, 'utf8')) as DemoTemplates, new Date().toISOString());
    process.stdout.write(`常态化任务模板：新建 ${templates.created} 个，已存在 ${templates.kept} 个\n`);
    const issued = await issueThisMonth(temporal, TASK_QUEUE);
    const how = { 'this-run': '已由本次下发', earlier: '此前已下发或已安排定时下发', none: '未下发（无任务或已结账）' }[issued.publication];
    process.stdout.write(`${issued.month} 重点工作清单 ${issued.listId}：共 ${issued.items} 项，本次加入 ${issued.added} 项，${how}\n`);
    if (campaignsFile) {
      const requests = JSON.parse(readFileSync(campaignsFile, 'utf8')) as CampaignRequest[];
      const campaigns = await loadDemoCampaigns(database, temporal, TASK_QUEUE, requests, new Date().toISOString());
      process.stdout.write(`专项行动：启动 ${campaigns.started} 个，已存在 ${campaigns.kept} 个\n`);
    }
  } finally {
    await temporal.connection.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`示例数据载入失败（demo failed）: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
