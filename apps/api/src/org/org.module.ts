import { Module } from '@nestjs/common';
import { OrgController } from './org.controller.js';
import { UnitPeopleController } from './unit-people.controller.js';

@Module({ controllers: [OrgController, UnitPeopleController] })
export class OrgModule {}
