package dev.knas.contract;

import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.space.nb201.Operation;
import dev.knas.v1.Architecture;
import dev.knas.v1.CellEdges;
import java.util.ArrayList;
import java.util.List;

/** The cell an {@link Architecture} message names, whichever of its three forms it uses. */
public final class ArchitectureForms {

  private ArchitectureForms() {}

  /** The cell {@code architecture} names; IllegalArgumentException (saying why) when it names none. */
  public static Nb201Architecture cell(Architecture architecture) {
    return switch (architecture.getFormCase()) {
      case NB201_STRING -> Nb201Architecture.parse(architecture.getNb201String());
      case NB201_INDEX -> Nb201Architecture.fromIndex(index(architecture.getNb201Index()));
      case EDGES -> cell(architecture.getEdges());
      case FORM_NOT_SET -> throw new IllegalArgumentException("set one of nb201_string, nb201_index, edges");
    };
  }

  /** The name of the field {@code architecture}'s form is in, for a refusal to name. */
  public static String field(Architecture architecture) {
    return switch (architecture.getFormCase()) {
      case NB201_STRING -> "architecture.nb201_string";
      case NB201_INDEX -> "architecture.nb201_index";
      case EDGES -> "architecture.edges";
      case FORM_NOT_SET -> "architecture";
    };
  }

  /** The cell a CellEdges message names; an unset or unknown operation is an IllegalArgumentException. */
  public static Nb201Architecture cell(CellEdges edges) {
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < edges.getOpsCount(); i++) {
      int value = edges.getOpsValue(i);
      if (value < 1 || value > Operation.values().length) {
        throw new IllegalArgumentException("ops[" + i + "] is " + edges.getOps(i) + "; set an operation");
      }
      ops.add(Operation.values()[value - 1]);
    }
    return new Nb201Architecture(ops);
  }

  /** A uint32 index as an int, refused (by the space's own range message) when 2^31 or above. */
  private static int index(int raw) {
    if (raw < 0) {
      throw new IllegalArgumentException("NAS-Bench-201 index " + Integer.toUnsignedString(raw)
          + " is out of range 0.." + (Nb201Architecture.COUNT - 1));
    }
    return raw;
  }
}
