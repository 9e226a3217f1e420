/**
 * A generated multi-section, multi-page report used by analysis tests (unit and integration): facts sit
 * on known pages so citations can be checked against them.
 */
export const REPORT_PAGES: { heading: string; lines: string[] }[] = [
  {
    heading: 'Introduction',
    lines: [
      'The Lake Veronne survey measures the water quality of a large alpine lake every summer.',
      'The lake supplies drinking water to the towns of Carrel and Monthey in the valley below.',
      'Algal blooms in recent summers have raised concern about nutrient run-off from nearby farms.',
      'This report summarises the survey, its methods and its main findings for the regional council.',
    ],
  },
  {
    heading: 'Methods',
    lines: [
      'The survey of Lake Veronne began in 1987 under the regional water agency.',
      'Samples are taken at twelve fixed stations from a boat every second week between May and September.',
      'Each sample is tested for phosphorus, nitrate, dissolved oxygen and chlorophyll in the agency laboratory.',
      'Field teams also record water temperature and clarity with a Secchi disk at every station.',
    ],
  },
  {
    heading: 'Results',
    lines: [
      'Phosphorus concentrations doubled between 1995 and 2015 at the stations near the northern inlet.',
      'Dissolved oxygen near the lake bottom fell below safe levels in three of the last five summers.',
      'Chlorophyll peaks now arrive two weeks earlier than they did when the survey began.',
      'The council has asked farmers in the northern catchment to reduce fertiliser use by a third.',
    ],
  },
];
