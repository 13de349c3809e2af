import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { AuthenticationFailed, MESSAGES, NotFound, type ObjectPermissionCheck } from '@nest-simplejwt/auth';
import type { NoteInput, NotePatch } from './note.dto.js';
import { Note } from './note.entity.js';

/** The notes and the rules for changing them; object permissions are checked once a note is loaded. */
@Injectable()
export class NotesService {
  constructor(@InjectRepository(Note) private readonly notes: Repository<Note>) {}

  list(): Promise<Note[]> {
    return this.notes.find({ order: { id: 'ASC' } });
  }

  /** A note of `ownerId`; null (a stateless token's id that names no user) is a 401. */
  async create(ownerId: number | null, input: NoteInput): Promise<Note> {
    if (ownerId === null) throw new AuthenticationFailed(MESSAGES.userNotFound, 'user_not_found');
    try {
      const now = new Date();
      return await this.notes.save(
        this.notes.create({ title: input.title, body: input.body ?? '', ownerId, createdAt: now, updatedAt: now }),
      );
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

  /**
   * PUT and PATCH, in DRF's order: find the note (404), check its permissions (403), then read
   * the changes (400); only the fields given change, and updated_at moves on every save.
   */
  async update(id: number, read: () => Promise<NoteInput | NotePatch>, check: ObjectPermissionCheck): Promise<Note> {
    const note = await this.get(id, check);
    const changes = await read();
    if (changes.title !== undefined) note.title = changes.title;
    if (changes.body !== undefined) note.body = changes.body;
    note.updatedAt = new Date();
    return this.notes.save(note);
  }

  async remove(id: number, check: ObjectPermissionCheck): Promise<void> {
    await this.notes.remove(await this.get(id, check));
  }
}
