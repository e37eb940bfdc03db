/** A coded error, worded for the user, with the main process's safe message as detail. */
import type { ResultCode } from '../../../app/contract/operations.js';
import { errorAdvice, errorTitle } from '../wording.js';

export default function ErrorPanel(props: { failure: { code: ResultCode; message: string }; onDismiss?: () => void }) {
  const { code, message } = props.failure;
  return (
    <div className="error-panel" role="alert" data-code={code}>
      <h2>{errorTitle(code)}</h2>
      <p>{errorAdvice(code)}</p>
      <p className="detail">
        <code>{code}</code> {message}
      </p>
      {props.onDismiss && (
        <button type="button" className="btn" onClick={props.onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
