import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { drfDateTime } from '@nest-simplejwt/auth';
import { User } from '../users/user.entity.js';

/** A note, owned by the user who wrote it (Django's naming: app `notes`, model `Note`). */
@Entity({ name: 'notes_note' })
export class Note {
  @PrimaryGeneratedColumn('identity', { type: 'integer', generatedIdentity: 'BY DEFAULT' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', default: '' })
  body: string;

  @Index('notes_note_owner_id_idx')
  @Column({ name: 'owner_id', type: 'integer' })
  ownerId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'notes_note_owner_id_fkey' })
  owner: Relation<User>;

  /** Written by the app (millisecond precision), so the API shows exactly what is stored. */
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** Moves on every save, as Django's auto_now. */
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}

/** A note as the API shows it; `owner` is the owner's user id. */
export interface NoteView {
  id: number;
  title: string;
  body: string;
  owner: number;
  created_at: string;
  updated_at: string;
}

export function toNoteView(note: Note): NoteView {
  return {
    id: note.id,
    title: note.title,
    body: note.body,
    owner: note.ownerId,
    created_at: drfDateTime(note.createdAt),
    updated_at: drfDateTime(note.updatedAt),
  };
}
