/**
 * The first console line of every run without a sandbox (`AGENTRY_ISOLATION=none`): the user sees what
 * their script runs in. Part of what clients read in a run's output, so it lives with the contracts.
 */
export const NO_SANDBOX_WARNING =
  "[agentry] WARNING: this run is not sandboxed (AGENTRY_ISOLATION=none): the script can read what the host lets its user read, see the host's processes and reach its network. For development only.\n";
