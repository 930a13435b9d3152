/* main.c — iotscope, the GTK 4 analyzer. */
#include <locale.h>

#include <glib/gi18n.h>

#include "iot-application.h"

int
main (int argc, char **argv)
{
  g_autoptr (IotApplication) app = NULL;

  /* The window speaks the user's language where a translation exists. */
  setlocale (LC_ALL, "");
  iot_application_init_i18n ();
  app = iot_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
