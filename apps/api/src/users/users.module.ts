import { Module } from '@nestjs/common';
import { OrgAdminController } from './org-admin.controller.js';
import { UserAdministration } from './user-administration.service.js';
import { UsersController } from './users.controller.js';

@Module({ controllers: [UsersController, OrgAdminController], providers: [UserAdministration] })
export class UsersModule {}
