import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CharField, CurrentUser, IsAuthenticated, Permissions } from '@nest-simplejwt/auth';
import type { Member } from '../members/member.entity.js';
import { IsManager } from './is-manager.permission.js';

class NewProject {
  @CharField({ maxLength: 100 })
  name!: string;
}

/** Every route needs a logged-in member (the global default); starting a project needs a manager. */
@Controller('api/projects')
export class ProjectsController {
  private readonly projects: { name: string; owner: string }[] = [];

  @Get('/')
  list(@CurrentUser() member: Member) {
    return { member: member.email, projects: this.projects };
  }

  @Post('/')
  @HttpCode(201)
  @Permissions(IsAuthenticated, IsManager)
  create(@Body() body: NewProject, @CurrentUser() member: Member) {
    const project = { name: body.name, owner: member.email };
    this.projects.push(project);
    return project;
  }
}
