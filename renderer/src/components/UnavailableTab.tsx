/** Placeholder for a view whose core module is not part of this build. */
export default function UnavailableTab(props: { feature: string }) {
  return (
    <div className="unavailable" role="status" data-testid="unavailable">
      <h2>{props.feature} is not available in this build</h2>
      <p className="muted">This view needs a core module that this version of Landscape Desk does not include yet.</p>
    </div>
  );
}
