// Moving focus to a page's heading after the page or its step changes, so
// that screen readers and keyboard users start reading there. The heading
// shows a focus outline only when the user is working with the keyboard:
// browsers guess differently whether focus moved by a script should show
// one, and after a mouse click it only gets in the way.

let keyboardInUse = false;

// trackInputKind notes, from then on, whether the user last used the
// keyboard or a pointer (mouse, pen, touch).
export function trackInputKind() {
  document.addEventListener('keydown', (event) => {
    if (!event.isComposing) {
      keyboardInUse = true;
    }
  }, true);
  document.addEventListener('pointerdown', () => { keyboardInUse = false; }, true);
}

// focusHeading moves focus to heading (which has tabindex="-1"), marking it
// for an outline when the keyboard is in use; the mark goes when focus
// leaves.
export function focusHeading(heading) {
  heading.classList.toggle('focus-from-keyboard', keyboardInUse);
  heading.addEventListener('blur', () => heading.classList.remove('focus-from-keyboard'),
    { once: true });
  heading.focus({ focusVisible: keyboardInUse });
}
