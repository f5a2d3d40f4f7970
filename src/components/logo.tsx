export function Logo({ className = "h-7 w-7" }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#0f766e" />
      <path d="M7 11h18M7 16h12M7 21h6" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}
