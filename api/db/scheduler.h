/* A background thread that announces scheduled publications (kp_publish_due) in the
 * change feed when their publish_at passes. */
#ifndef KP_DB_SCHEDULER_H
#define KP_DB_SCHEDULER_H

int scheduler_start(const char *database_url, int interval_ms);
void scheduler_stop(void);

#endif
