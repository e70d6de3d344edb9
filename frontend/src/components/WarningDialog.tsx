import * as Dialog from "@radix-ui/react-dialog";
import type { Warning } from "../lib/interview";
import { humanize } from "../lib/format";
import { Button } from "./ui";

/**
 * An anti-cheat warning the candidate cannot miss: it covers the page, takes focus,
 * and stays until they acknowledge it (Escape and outside clicks do not dismiss it).
 */
export function WarningDialog({ warning, onAcknowledge }: { warning: Warning | undefined; onAcknowledge: (id: number) => void }) {
  return (
    <Dialog.Root open={!!warning}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-red-950/70" />
        <Dialog.Content
          role="alertdialog"
          onEscapeKeyDown={(event) => event.preventDefault()}
          onPointerDownOutside={(event) => event.preventDefault()}
          onInteractOutside={(event) => event.preventDefault()}
          className="fixed left-1/2 top-1/2 z-50 w-[min(92vw,30rem)] -translate-x-1/2 -translate-y-1/2 rounded-2xl border-4 border-red-600 bg-white p-6 shadow-2xl focus:outline-none"
          data-testid="warning-dialog"
        >
          {warning && (
            <>
              <p className="text-sm font-semibold uppercase tracking-wide text-red-700">Warning · {humanize(warning.kind)}</p>
              <Dialog.Title className="mt-2 text-xl font-semibold text-slate-900">{warning.message}</Dialog.Title>
              <Dialog.Description className="mt-3 text-sm text-slate-700">
                {warning.strikes !== undefined && warning.limit !== undefined
                  ? `This is warning ${warning.strikes} of ${warning.limit}. At ${warning.limit} the interview ends automatically.`
                  : "Repeated warnings end the interview automatically."}
              </Dialog.Description>
              <Button variant="danger" size="lg" className="mt-6 w-full" autoFocus onClick={() => onAcknowledge(warning.id)} data-testid="acknowledge-warning">
                I understand, continue
              </Button>
            </>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
