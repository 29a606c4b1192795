/**
 * One gallery cell: the thumbnail (a data URL from images.thumbs) with the prompt as its alt text, or
 * a plain tile until it arrives. Memoised and of fixed size, so scrolling 5,000 images re-renders
 * only the cells that come into view or whose thumbnail arrived.
 */
import { memo } from 'react';
import type { GalleryImage } from '../../../../shared/types/images';
import { useAppStore } from '../../app/store';

/** Screen readers read the alt of every cell: a long prompt is cut. */
const ALT_CHARS = 300;
const altText = (prompt: string) => {
  const p = prompt.trim() || 'Image without a prompt';
  return p.length > ALT_CHARS ? `${p.slice(0, ALT_CHARS)}…` : p;
};

export const GalleryCell = memo(function GalleryCell(props: {
  image: GalleryImage;
  index: number;
  col: number;
  tabbable: boolean;
  onOpen(index: number): void;
}) {
  const { image, index } = props;
  const thumb = useAppStore((s) => s.imageThumbs.peek(image.id));
  return (
    <div
      role="gridcell"
      className="gallery-cell"
      aria-colindex={props.col + 1}
      tabIndex={props.tabbable ? 0 : -1}
      data-index={index}
      onClick={() => props.onOpen(index)}
      title={image.prompt.slice(0, 200)}
    >
      {thumb ? (
        <img src={thumb} alt={altText(image.prompt)} decoding="async" draggable={false} />
      ) : (
        <span className="gallery-tile" role="img" aria-label={altText(image.prompt)}>
          {thumb === null ? 'No preview' : ''}
        </span>
      )}
    </div>
  );
});
