import { KeyboardSensor, PointerSensor, useSensor, useSensors } from "@dnd-kit/core";
import { sortableKeyboardCoordinates } from "@dnd-kit/sortable";

/** Drag with the pointer (after 6 px, so clicks stay clicks) or the keyboard. */
export function useReorderSensors() {
  return useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
}

/** What a screen reader says about a sortable list's handles. */
export const REORDER_ACCESSIBILITY = {
  screenReaderInstructions: {
    draggable: "To reorder, press space, move with the arrow keys, then press space again to drop, or escape to cancel.",
  },
};
