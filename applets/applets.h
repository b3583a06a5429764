/* applets.h: entry points of the applets; each lives in applets/<name>.c. */
#ifndef AIMX_APPLETS_H
#define AIMX_APPLETS_H

/* argv[0] is the applet name; the dispatcher has already handled --help. */
int applet_config(int argc, char **argv);
int applet_dkim_keygen(int argc, char **argv);
int applet_doctor(int argc, char **argv);
int applet_hooks(int argc, char **argv);
int applet_ingest(int argc, char **argv);
int applet_logs(int argc, char **argv);
int applet_mailboxes(int argc, char **argv);
int applet_mcp(int argc, char **argv);
int applet_portcheck(int argc, char **argv);
int applet_send(int argc, char **argv);
int applet_serve(int argc, char **argv);
int applet_setup(int argc, char **argv);
int applet_uninstall(int argc, char **argv);
int applet_version(int argc, char **argv);




#endif
