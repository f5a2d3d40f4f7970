import Link from "next/link";
import type { ComponentProps } from "react";
import { buttonClasses } from "./button";

/** A link that looks like a Button: for actions that open another page ("Upload to this dataset"). */
export function LinkButton({
  variant,
  size,
  className = "",
  ...rest
}: ComponentProps<typeof Link> & {
  variant?: "primary" | "secondary";
  size?: "sm" | "md";
}) {
  return <Link className={`${buttonClasses(variant, size)} ${className}`} {...rest} />;
}
