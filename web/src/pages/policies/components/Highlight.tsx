import type { HighlightSegment } from '../api';

/** Search hits in bold. Plain React text: the segments are never parsed as HTML. */
export function Highlight({ segments, fallback }: { segments: HighlightSegment[] | undefined; fallback: string }) {
  if (!segments?.length) return <>{fallback}</>;
  return (
    <>
      {segments.map((s, i) =>
        s.hit ? (
          <strong key={i} className="hit" style={{ color: '#cf1322' }}>
            {s.text}
          </strong>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
