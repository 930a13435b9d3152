/* main.c — iotscope, the GTK 4 analyzer. */
#include "iot-application.h"

int
main (int argc, char **argv)
{
  g_autoptr (IotApplication) app = iot_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
