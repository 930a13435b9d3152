/* iot-cli-linktypes.c — -L, asked of libpcap here or of the capture
 * program, which alone may hold capture rights. */
#include "iot-cli-linktypes.h"
#include "iot-live.h"

gboolean
iot_cli_print_link_types (const char *const *interfaces, gboolean monitor, GString *out, GError **error)
{
  for (guint i = 0; interfaces[i] != NULL; i++)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (IotLiveCapabilities) caps = iot_live_interface_capabilities (interfaces[i], monitor, &local);

      if (caps == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "The capabilities of the capture device \"%s\" could not be obtained (%s)",
                       interfaces[i], local->message);
          return FALSE;
        }
      g_string_append_printf (out, "Data link types of interface %s%s (use option -y to set):\n", interfaces[i],
                              monitor ? " when in monitor mode" : "");
      for (guint k = 0; k < caps->link_types->len; k++)
        {
          const IotLiveLinkType *type = &g_array_index (caps->link_types, IotLiveLinkType, k);

          if (type->name != NULL && type->name[0] != '\0' && g_strcmp0 (type->name, "-") != 0)
            g_string_append_printf (out, "  %s (%s)\n", type->name,
                                    type->description && *type->description ? type->description : "not supported");
          else
            g_string_append_printf (out, "  DLT %d (not supported)\n", type->link_type);
        }
    }
  return TRUE;
}
