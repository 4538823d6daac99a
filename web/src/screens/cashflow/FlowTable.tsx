import { Amount } from "../../ui/kit";
import type { Diagram } from "./sankey";

/** Every link of a diagram as a row: the source of truth next to the chart. */
export function FlowTable({ diagram, currency, caption }: { diagram: Diagram; currency: string; caption: string }) {
  return (
    <details className="flow-table">
      <summary>
        {caption} ({diagram.links.length})
      </summary>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col" className="num">
              Amount ({currency})
            </th>
          </tr>
        </thead>
        <tbody>
          {diagram.links.map((link) => (
            <tr key={`${link.source}-${link.target}`}>
              <td>{diagram.nodes[link.source]?.label}</td>
              <td>{diagram.nodes[link.target]?.label}</td>
              <td className="num">
                <Amount money={link.value} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
