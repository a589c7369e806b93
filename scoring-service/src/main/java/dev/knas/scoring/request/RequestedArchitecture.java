package dev.knas.scoring.request;

import dev.knas.contract.ArchitectureForms;
import dev.knas.space.nb201.Nb201Architecture;
import dev.knas.v1.Architecture;

/** The cell a request names, in whichever of the contract's forms it names it. */
final class RequestedArchitecture {

  private RequestedArchitecture() {}

  /** The cell; refused when the request has none or names no valid one. */
  static Nb201Architecture of(boolean hasArchitecture, Architecture architecture) {
    if (!hasArchitecture) {
      throw RequestException.invalid("architecture", "is required");
    }
    try {
      return ArchitectureForms.cell(architecture);
    } catch (IllegalArgumentException e) {
      throw RequestException.invalid(ArchitectureForms.field(architecture), e.getMessage());
    }
  }
}
