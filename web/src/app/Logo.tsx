// The mark is the character 企 on the brand blue; no image asset to ship.
export function Logo({ size = 32 }: { size?: number }) {
  return (
    <span
      aria-hidden
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        justifyContent: 'center',
        width: size,
        height: size,
        borderRadius: size / 5,
        background: 'linear-gradient(135deg, #1677ff, #0958d9)',
        color: '#fff',
        fontWeight: 700,
        fontSize: size * 0.56,
        flex: 'none',
      }}
    >
      企
    </span>
  );
}
