import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CurrentUser,
  IsAuthenticatedOrReadOnly,
  ObjectPermissions,
  Permissions,
  RequestData,
  TokenUser,
  validated,
  type ObjectPermissionCheck,
} from '@nest-simplejwt/auth';
import type { User } from '../users/user.entity.js';
import { IsOwnerOrStaff, userIdOf } from './is-owner-or-staff.permission.js';
import { NoteInput, NotePatch, NoteViewDto } from './note.dto.js';
import { toNoteView, type NoteView } from './note.entity.js';
import { NoteIdPipe } from './note-id.pipe.js';
import { NotesService } from './notes.service.js';

/**
 * Notes, as DRF's generic views serve a model: list and create at /api/notes/, retrieve,
 * update, partial update and destroy at /api/notes/{id}/. Anyone may read; writing needs a user,
 * and changing a note needs its owner (or staff). Copy this module as the template of your own.
 */
@ApiTags('notes')
@Permissions(IsAuthenticatedOrReadOnly, IsOwnerOrStaff)
@Controller('api/notes')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get('/')
  @ApiOperation({ summary: 'Every note' })
  @ApiOkResponse({ type: [NoteViewDto] })
  async list(): Promise<NoteView[]> {
    return (await this.notes.list()).map(toNoteView);
  }

  @Post('/')
  @HttpCode(201)
  @ApiOperation({ summary: 'Write a note; you become its owner' })
  @ApiCreatedResponse({ type: NoteViewDto })
  async create(@Body() input: NoteInput, @CurrentUser() user: User | TokenUser): Promise<NoteView> {
    return toNoteView(await this.notes.create(userIdOf(user), input));
  }

  @Get(':id/')
  @ApiOperation({ summary: 'One note' })
  @ApiOkResponse({ type: NoteViewDto })
  async retrieve(@Param('id', NoteIdPipe) id: number, @ObjectPermissions() check: ObjectPermissionCheck): Promise<NoteView> {
    return toNoteView(await this.notes.get(id, check));
  }

  // Updates read their body only once the note is found and its permissions pass (DRF's order),
  // so a stranger's PUT is a 403 whatever its body, and an unknown id a 404.
  @Put(':id/')
  @ApiOperation({ summary: 'Replace a note (owner or staff)' })
  @ApiBody({ type: NoteInput })
  @ApiOkResponse({ type: NoteViewDto })
  async update(
    @Param('id', NoteIdPipe) id: number,
    @RequestData() data: unknown,
    @ObjectPermissions() check: ObjectPermissionCheck,
  ): Promise<NoteView> {
    return toNoteView(await this.notes.update(id, () => validated(NoteInput, data), check));
  }

  @Patch(':id/')
  @ApiOperation({ summary: 'Change some fields of a note (owner or staff)' })
  @ApiBody({ type: NotePatch })
  @ApiOkResponse({ type: NoteViewDto })
  async partialUpdate(
    @Param('id', NoteIdPipe) id: number,
    @RequestData() data: unknown,
    @ObjectPermissions() check: ObjectPermissionCheck,
  ): Promise<NoteView> {
    return toNoteView(await this.notes.update(id, () => validated(NotePatch, data), check));
  }

  @Delete(':id/')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a note (owner or staff)' })
  @ApiNoContentResponse()
  async destroy(@Param('id', NoteIdPipe) id: number, @ObjectPermissions() check: ObjectPermissionCheck): Promise<void> {
    await this.notes.remove(id, check);
  }
}
