/* Shared by the unit tests: a Check runner that prints the summary and sets the exit code. */
#ifndef KP_UNIT_H
#define KP_UNIT_H

#include <check.h>
#include <stdlib.h>

/* Runs every test case of suite s in this process (no fork, so leak checkers see
 * everything) and returns the process exit status. */
static inline int unit_run(Suite *s) {
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
