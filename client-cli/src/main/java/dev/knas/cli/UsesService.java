package dev.knas.cli;

/** A command that talks to the service, so failures can name the target. */
interface UsesService {
  Connection connection();
}
