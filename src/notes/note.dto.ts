import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CharField } from '@nest-simplejwt/auth';

/** POST and PUT: a whole note (DRF's ModelSerializer for it: title required, body optional). */
export class NoteInput {
  @ApiProperty({ maxLength: 200, example: 'Groceries' })
  @CharField({ maxLength: 200 })
  title: string;

  @ApiPropertyOptional({ example: 'Eggs, flour, milk' })
  @CharField({ allowBlank: true, required: false })
  body?: string;
}

/** PATCH: any subset of the fields (DRF's partial=True). */
export class NotePatch {
  @ApiPropertyOptional({ maxLength: 200 })
  @CharField({ maxLength: 200, required: false })
  title?: string;

  @ApiPropertyOptional()
  @CharField({ allowBlank: true, required: false })
  body?: string;
}

/** The OpenAPI description of NoteView. */
export class NoteViewDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'Groceries' }) title: string;
  @ApiProperty({ example: 'Eggs, flour, milk' }) body: string;
  @ApiProperty({ example: 1, description: "The owner's user id" }) owner: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}
