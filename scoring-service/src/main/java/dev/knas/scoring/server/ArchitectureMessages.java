package dev.knas.scoring.server;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import dev.knas.v1.CellEdges;
import dev.knas.v1.ResolvedArchitecture;

/** The architecture forms a response reports: as requested, as computed (canonical), with the parameter count. */
final class ArchitectureMessages {

  private ArchitectureMessages() {}

  /** The cell's six operations as the contract numbers them (NAS-Bench-201's order shifted by one). */
  static CellEdges edges(Nb201Architecture cell) {
    CellEdges.Builder edges = CellEdges.newBuilder();
    for (Operation op : cell.ops()) {
      edges.addOpsValue(op.ordinal() + 1);
    }
    return edges.build();
  }

  /** Every form of {@code cell}, as its own canonical form, with the parameter count of what was computed. */
  static ResolvedArchitecture describe(Nb201Architecture cell, long parameterCount) {
    String forms = cell.toBenchmarkString();
    return describe(cell, forms, forms, parameterCount);
  }

  /** The requested architecture's forms, with the canonical form and parameter count of what was computed. */
  static ResolvedArchitecture resolved(Nb201Architecture requested, ResolvedArchitecture computed) {
    return describe(requested, requested.toBenchmarkString(), computed.getNb201String(),
        computed.getParameterCount());
  }

  private static ResolvedArchitecture describe(Nb201Architecture cell, String nb201String, String canonical,
      long parameterCount) {
    return ResolvedArchitecture.newBuilder()
        .setNb201String(nb201String)
        .setNb201Index(cell.index())
        .setEdges(edges(cell))
        .setCanonical(canonical)
        .setParameterCount(parameterCount)
        .build();
  }
}
