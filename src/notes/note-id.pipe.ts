import { Injectable, type PipeTransform } from '@nestjs/common';
import { NotFound } from '@nest-simplejwt/auth';

/** A note id in a path: anything but a positive integer matches no note (DRF's <int:pk> route). */
@Injectable()
export class NoteIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
    if (!(id <= 2_147_483_647)) throw new NotFound();
    return id;
  }
}
