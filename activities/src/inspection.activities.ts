import type { Connection } from 'mongoose';
import type { InspectionActivities } from '@duban/contracts';
import { InspectionRepository } from '@duban/persistence';

/** Activities of the inspection publication workflow, bound to the worker's database connection. */
export function createInspectionActivities(connection: Connection): InspectionActivities {
  const inspections = new InspectionRepository(connection);
  return {
    async markInspectionPublished({ inspectionId, itemIds, publishedAt }) {
      await inspections.markPublished(inspectionId, [...itemIds], new Date(publishedAt));
    },
  };
}
