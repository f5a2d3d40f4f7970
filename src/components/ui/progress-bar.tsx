import type { ProgressHTMLAttributes } from "react";

const TONES = {
  teal: "[&::-moz-progress-bar]:bg-teal-600 [&::-webkit-progress-value]:bg-teal-600",
  red: "[&::-moz-progress-bar]:bg-red-500 [&::-webkit-progress-value]:bg-red-500",
  green: "[&::-moz-progress-bar]:bg-emerald-500 [&::-webkit-progress-value]:bg-emerald-500",
  slate: "[&::-moz-progress-bar]:bg-slate-400 [&::-webkit-progress-value]:bg-slate-400",
};

/**
 * A native <progress> (so assistive tech reads it as a progress bar with its value), styled as a
 * thin rounded bar. Leave `value` undefined for "busy, amount unknown".
 */
export function ProgressBar({
  tone = "teal",
  className = "",
  ...rest
}: ProgressHTMLAttributes<HTMLProgressElement> & { tone?: keyof typeof TONES }) {
  return (
    <progress
      className={`block h-2 w-full appearance-none overflow-hidden rounded-full bg-slate-200 [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:rounded-full [&::-webkit-progress-value]:transition-[width] [&::-webkit-progress-value]:duration-500 ${TONES[tone]} ${className}`}
      {...rest}
    />
  );
}
