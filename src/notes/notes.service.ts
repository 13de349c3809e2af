import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { AuthenticationFailed, MESSAGES, NotFound, type ObjectPermissionCheck } from '../auth/index.js';
import type { NoteInput, NotePatch } from './note.dto.js';
import { Note } from './note.entity.js';

/** The notes and the rules for changing them; object permissions are checked once a note is loaded. */
@Injectable()
export class NotesService {
  constructor(@InjectRepository(Note) private readonly notes: Repository<Note>) {}

  list(): Promise<Note[]> {
    return this.notes.find({ order: { id: 'ASC' } });
  }

  async create(ownerId: number, input: NoteInput): Promise<Note> {
    try {
      return await this.notes.save(this.notes.create({ title: input.title, body: input.body ?? '', ownerId }));
    } catch (error) {
      // Only a stateless token can name a user who is gone: the owner must exist.
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23503') {
        throw new AuthenticationFailed(MESSAGES.userNotFound, 'user_not_found');
      }
      throw error;
    }
  }

  /** The note, or 404; then the object-level permissions of the request. */
  async get(id: number, check: ObjectPermissionCheck): Promise<Note> {
    const note = await this.notes.findOneBy({ id });
    if (note === null) throw new NotFound();
    await check(note);
    return note;
  }

  /** PUT and PATCH: only the fields given change. */
  async update(id: number, changes: NoteInput | NotePatch, check: ObjectPermissionCheck): Promise<Note> {
    const note = await this.get(id, check);
    if (changes.title !== undefined) note.title = changes.title;
    if (changes.body !== undefined) note.body = changes.body;
    return this.notes.save(note);
  }

  async remove(id: number, check: ObjectPermissionCheck): Promise<void> {
    await this.notes.remove(await this.get(id, check));
  }
}
